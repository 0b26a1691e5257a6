// One error shape for every HTTP answer: { error: { code, message (Chinese), where } }, plus the
// list of issues when there are several (an import with bad rows, a pack with mistakes).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from '../db/unavailable.js';
import { OutcomeError, type OutcomeIssue } from '../policy/outcome.js';

export interface ApiError {
  error: { code: string; message: string; where: string; issues?: OutcomeIssue[] };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly where = '',
  ) {
    super(message);
  }
}

export function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof HttpError) {
    reply
      .status(err.status)
      .send({ error: { code: err.code, message: err.message, where: err.where } } satisfies ApiError);
    return;
  }
  if (err instanceof OutcomeError) {
    const first = err.issues[0];
    reply.status(400).send({
      error: {
        code: first?.code ?? 'invalid',
        message: first?.message ?? err.message,
        where: first?.expression ?? '',
        issues: err.issues,
      },
    } satisfies ApiError);
    return;
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const v = fe.validation[0];
    reply.status(400).send({
      error: {
        code: 'INVALID_REQUEST',
        message: `请求内容不符合要求：${v?.message ?? fe.message}`,
        where: `${fe.validationContext ?? ''}${v?.instancePath ?? ''}`,
      },
    } satisfies ApiError);
    return;
  }
  if (fe.statusCode && fe.statusCode < 500) {
    const messages: Record<number, string> = {
      413: '请求内容过大',
      415: '不支持的内容类型',
      429: '请求过于频繁，请稍后再试',
    };
    reply.status(fe.statusCode).send({
      error: {
        code: fe.code ?? 'BAD_REQUEST',
        message: messages[fe.statusCode] ?? `请求错误：${fe.message}`,
        where: '',
      },
    } satisfies ApiError);
    return;
  }
  if (isDatabaseUnavailable(err)) {
    // The database is down or restarting: say so and when to retry; the pool reconnects by itself.
    request.log.warn(err);
    reply
      .status(503)
      .header('retry-after', '5')
      .send({ error: { ...DATABASE_UNAVAILABLE, where: '' } } satisfies ApiError);
    return;
  }
  request.log.error(err);
  reply.status(500).send({
    error: { code: 'INTERNAL', message: '服务器内部错误，请稍后重试或联系管理员', where: '' },
  } satisfies ApiError);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  reply.status(404).send({
    error: {
      code: 'NOT_FOUND',
      message: `没有此接口：${request.method} ${request.url}`,
      where: request.url,
    },
  } satisfies ApiError);
}
