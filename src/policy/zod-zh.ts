// Messages people read come in Chinese: zod's own messages (for checks without a custom one)
// switch to its zh-CN locale. Imported by every schema module so the order of imports never matters.
import { z } from 'zod';

z.config(z.locales.zhCN());
