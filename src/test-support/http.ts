// HTTP helpers for route tests: a multipart/form-data body built by hand (as a browser sends it:
// the fields first, then the file), and waiting for a background job to finish.
import type { FastifyInstance } from 'fastify';

export function multipartBody(
  fields: Record<string, string>,
  file?: { name: string; content: Buffer | string; type?: string },
): { body: Buffer; contentType: string } {
  const boundary = `----canbao${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
          `Content-Type: ${file.type ?? 'text/csv'}\r\n\r\n`,
      ),
      Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

// biome-ignore lint/suspicious/noExplicitAny: a job's JSON as the test reads it
export async function waitForJob(app: FastifyInstance, id: number, cookie?: string): Promise<any> {
  for (let i = 0; i < 1200; i++) {
    const r = await app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: cookie ? { cookie } : {} });
    const job = r.json();
    if (r.statusCode !== 200) throw new Error(`job ${id}: ${r.statusCode} ${r.body}`);
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} did not finish`);
}
