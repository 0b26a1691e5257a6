// Whether a caller sees whole ID numbers: the roles of FULL_ID_ROLES, and a trusted in-process
// caller (an app built without sessions); everyone else gets them masked.
import type { FastifyRequest } from 'fastify';
import { maskId } from '../registry/id-document.js';
import { FULL_ID_ROLES } from './roles.js';

export const seesFullId = (request: FastifyRequest): boolean =>
  !request.user || FULL_ID_ROLES.includes(request.user.role);

/** The ID number as this caller may see it. */
export const idFor = (request: FastifyRequest, docNo: string): string =>
  seesFullId(request) ? docNo : maskId(docNo);
