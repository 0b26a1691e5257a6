// The one way into exceljs: its UTF-8 fix must be in place before exceljs loads (exceljs-utf8.ts).
import './exceljs-utf8.js';
import ExcelJS from 'exceljs';

export default ExcelJS;
