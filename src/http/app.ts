// The Fastify application: each domain registers its own routes; OpenAPI at /api/openapi.json
// with a browsable page at /api/docs.
import zlib from 'node:zlib';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAssessRoutes } from '../assessment/assess.routes.js';
import { registerAssessmentRoutes } from '../assessment/assessment.routes.js';
import { registerAccessControl } from '../auth/access.js';
import { type AuthOptions, registerAuthRoutes } from '../auth/auth.routes.js';
import { registerAgentRoutes } from '../collection/agent.routes.js';
import { registerEnrollmentRoutes } from '../collection/enrollment.routes.js';
import { registerEventRoutes } from '../collection/events.routes.js';
import { registerHouseholdRoutes } from '../collection/household.routes.js';
import { registerPaymentRoutes } from '../collection/payment.routes.js';
import { registerRefundRoutes } from '../collection/refund.routes.js';
import { registerRefundPayoutRoutes } from '../collection/refund-payout.routes.js';
import { registerBackupRoutes } from '../db/backup.routes.js';
import type { DatabaseHandle } from '../db/connection.js';
import { registerDbRoutes } from '../db/db.routes.js';
import { registerIdentityRoutes } from '../identities/identities.routes.js';
import { registerImportRoutes } from '../imports/import.routes.js';
import { registerJobRoutes } from '../jobs/job.routes.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { registerPolicyRoutes } from '../policy/policy.routes.js';
import { registerReconcileRoutes } from '../reconciliation/reconcile.routes.js';
import { registerPersonRoutes } from '../registry/person.routes.js';
import { registerRegionRoutes } from '../registry/regions.routes.js';
import { registerRegistryRoutes } from '../registry/registry.routes.js';
import { registerReportRoutes } from '../reports/report.routes.js';
import { rejectNulCharacters } from './control-characters.js';
import { errorHandler, HttpError, notFoundHandler } from './errors.js';
import { registerUploads, type UploadOptions } from './uploads.js';
import { DEFAULT_WEB_ROOT, hasWebAssets, registerWebAssets } from './web-assets.js';

export interface AppDeps {
  packs: PackRegistry;
  /** The database; routes that need it answer 503 when the app was built without one. */
  db?: DatabaseHandle;
  /**
   * Sessions, roles and scopes on every /api route. The product (`canbao serve`) always sets it;
   * in-process tests of a single capability may leave it out and act as a trusted caller.
   */
  auth?: AuthOptions;
  logger?: boolean;
  /** The built web application to serve at / (default dist-web/ when built); false for none. */
  webRoot?: string | false;
  /** Where uploaded files wait for their job, and the size limit (default 2 GB). */
  uploads?: UploadOptions;
}

/** The database for a route, or a clear 503 when this app has none (policy-only tests). */
export function needDb(deps: Pick<AppDeps, 'db'>): DatabaseHandle {
  if (!deps.db) throw new HttpError(503, 'NO_DATABASE', '服务未连接数据库');
  return deps.db;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: 10 * 1024 * 1024,
    // A request the HTTP parser cannot read (e.g. raw non-ASCII in the URL) gets the same error
    // shape as every other answer, not the server's default.
    clientErrorHandler: (_err, socket) => {
      if (!socket.writable) return;
      const body = JSON.stringify({
        error: {
          code: 'BAD_HTTP_REQUEST',
          message: '请求格式错误：网址中的中文等字符须经 URL 编码',
          where: 'url',
        },
      });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  });
  app.setErrorHandler(errorHandler);
  app.addHook('preValidation', rejectNulCharacters);
  // gzip/brotli as the client accepts, for text answers above 1 KB: JSON lists, CSV downloads, the
  // HTML bulletin and leaflet, and the web bundle's JS/CSS. XLSX and images are compressed already.
  // Browsers offer brotli only over HTTPS; on a plain-HTTP intranet they ask for gzip.
  await app.register(compress, {
    threshold: 1024,
    encodings: ['br', 'gzip'],
    // The fastest levels: answers are made per request on the machine that also runs the database,
    // and a county office's network is not the bottleneck. Measured (one core, under load): a 47 KB
    // JSON list takes brotli 0.11 ms at quality 1 (0.65 ms at 4, 15.8% of the size vs 14.9%) and gzip
    // 0.32 ms at level 1 (0.70 ms at the default 6, 17.0% vs 15.0%); a 1 MB CSV 9 ms at brotli 1
    // (31 ms at 4) and 15 ms at gzip 1 (39 ms at 6).
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } },
    zlibOptions: { level: 1 },
    customTypes: /^(application\/json|text\/(csv|html|plain|javascript|css))\b/,
  });
  app.setNotFoundHandler(notFoundHandler);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'canbao 参保 API',
        description: '城乡居民基本医疗保险参保缴费管理系统接口；金额单位为分，日期为 YYYY-MM-DD。',
        version: '0.1.0',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/api/health', { schema: { summary: '健康检查', tags: ['系统'] } }, async () => ({ ok: true }));
  if (deps.auth && deps.db) {
    registerAccessControl(app, deps.db);
    registerAuthRoutes(app, deps.db, deps.auth);
  }
  registerAssessRoutes(app, deps);
  registerPolicyRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerRefundRoutes(app, deps);
  registerRefundPayoutRoutes(app, deps);
  registerIdentityRoutes(app, deps);
  registerDbRoutes(app, deps);
  registerBackupRoutes(app, deps);
  registerEnrollmentRoutes(app, deps);
  registerAgentRoutes(app, deps);
  registerHouseholdRoutes(app, deps);
  registerPaymentRoutes(app, deps);
  registerUploads(app, deps.uploads ?? {});
  const jobs = deps.db ? await registerJobRoutes(app, { db: deps.db, packs: deps.packs }) : undefined;
  registerReconcileRoutes(app, deps, jobs, deps.uploads ?? {});
  registerImportRoutes(app, deps, jobs, deps.uploads ?? {});
  registerReportRoutes(app, deps);
  registerPersonRoutes(app, deps);
  registerRegistryRoutes(app, deps);
  registerRegionRoutes(app, deps);
  registerAssessmentRoutes(app, deps);
  const webRoot = deps.webRoot ?? DEFAULT_WEB_ROOT;
  if (webRoot !== false && hasWebAssets(webRoot)) registerWebAssets(app, webRoot);
  return app;
}
