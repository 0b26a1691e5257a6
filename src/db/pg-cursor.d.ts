// pg-cursor ships no types; Kysely only needs it as a constructor it calls itself.
declare module 'pg-cursor' {
  import type { PostgresCursorConstructor } from 'kysely';

  const Cursor: PostgresCursorConstructor;
  export default Cursor;
}
