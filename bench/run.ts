// `npm run bench [-- --persons N --db pglite,server --only NAME]`: builds first, then measures the
// built product (dist/), as `canbao` runs it — see built-product.mjs.
import { register } from 'node:module';

register('./built-product.mjs', import.meta.url);
await import('./main.js');
