// `canbao assess`: a JSON array of requests in (stdin or file), a JSON array of results out, same order.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { assess } from '../policy/assess.js';
import { renderExplanation } from '../policy/explain-text.js';
import { shippedPacks } from '../policy/pack-loader.js';
import type { AssessmentOutcome } from '../policy/result.js';

export function registerAssessCommands(program: Command): void {
  program
    .command('assess')
    .description('核定个人缴费：读入 JSON 请求数组（标准输入或文件），输出 JSON 结果数组')
    .argument('[file]', '请求文件（JSON 数组）；省略时读标准输入')
    .option('--explain', '以中文逐步说明计算过程和依据')
    .action(async (file: string | undefined, opts: { explain?: boolean }) => {
      const text = file ? readFileSync(file, 'utf8') : await readStdin();
      const outcomes = assessJsonText(text, file ?? '标准输入');
      if (opts.explain) process.stdout.write(`${outcomes.map(renderExplanation).join('\n\n')}\n`);
      else process.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
    });
}

/** Parse and assess; a malformed document is one error, a bad request is an error in its own slot. */
export function assessJsonText(text: string, where: string): AssessmentOutcome[] {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where} 不是有效的 JSON：${(e as Error).message}`);
  }
  const requests = Array.isArray(input) ? input : [input];
  const packs = shippedPacks();
  return requests.map((r) => assess(r, packs));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
