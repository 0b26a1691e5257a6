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

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

const TYPE_NAMES: Record<string, string> = {
  integer: '整数（金额以分为单位，不能有小数）',
  number: '数字',
  string: '文字',
  boolean: 'true 或 false',
  object: '对象',
  array: '数组',
  null: '空值',
};

/** The field a schema check names: "amountFen", "items[2].docNo". */
function validationField(v: ValidationIssue | undefined): string {
  if (!v) return '';
  const path = v.instancePath
    .split('/')
    .filter((p) => p !== '')
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
  return path;
}

/** ajv's English message in Chinese for the checks the routes use. */
function validationText(v: ValidationIssue): string {
  const p = v.params as Record<string, unknown>;
  switch (v.keyword) {
    case 'type': {
      const types = String(p.type).split(',');
      return `应为${types.map((t) => TYPE_NAMES[t] ?? t).join('或')}`;
    }
    case 'minimum':
      return `不能小于 ${String(p.limit)}`;
    case 'maximum':
      return `不能大于 ${String(p.limit)}`;
    case 'exclusiveMinimum':
      return `应大于 ${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `应小于 ${String(p.limit)}`;
    case 'minLength':
      return `不能少于 ${String(p.limit)} 个字符`;
    case 'maxLength':
      return `不能超过 ${String(p.limit)} 个字符`;
    case 'minItems':
      return `至少要有 ${String(p.limit)} 项`;
    case 'maxItems':
      return `不能超过 ${String(p.limit)} 项`;
    case 'pattern':
    case 'format':
      return `格式不对${p.format ? `（应为 ${String(p.format)}）` : ''}`;
    case 'enum':
      return `应为以下之一：${((p.allowedValues as unknown[]) ?? []).map(String).join('、')}`;
    case 'const':
      return `应为 ${String(p.allowedValue)}`;
    case 'required':
      return `缺少必填字段 ${String(p.missingProperty)}`;
    case 'additionalProperties':
      return `不认识的字段 ${String(p.additionalProperty)}`;
    case 'multipleOf':
      return `应为 ${String(p.multipleOf)} 的倍数`;
    default:
      return v.message ?? '';
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
    const field = validationField(v);
    reply.status(400).send({
      error: {
        code: 'INVALID_REQUEST',
        message: `请求内容不符合要求：${v ? `${field ? `${field} ` : ''}${validationText(v)}` : fe.message}`,
        where: `${fe.validationContext ?? ''}${v?.instancePath ?? ''}${
          v?.keyword === 'required' ? `/${String(v.params.missingProperty ?? '')}` : ''
        }`,
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
