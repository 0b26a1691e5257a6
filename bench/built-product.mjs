// Resolve hook for the benchmarks: a product module the bench imports from src/ (TypeScript, which
// tsx would transform with esbuild) is loaded from its tsc build in dist/ instead — the code
// `canbao` runs. esbuild keeps function names by wrapping every function it creates in a
// defineProperty call; on the one-person assessment that alone halved the rate (85,000 against
// 175,000 per second for the same source). Modules with no build (src/test-support) stay as they are
// and import the built ones, so every module exists once.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SRC = new URL('../src/', import.meta.url).href;
const DIST = new URL('../dist/', import.meta.url).href;

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (!resolved.url.startsWith(SRC) || !resolved.url.endsWith('.ts')) return resolved;
  const built = `${DIST}${resolved.url.slice(SRC.length, -'.ts'.length)}.js`;
  if (!existsSync(fileURLToPath(built))) return resolved;
  return { url: built, format: 'module', shortCircuit: true };
}
