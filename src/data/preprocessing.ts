// Preprocessing utilities, as `preprocessing.padSequences(...)` etc.; readCsv needs Node's file system.
export * from './preprocessing-portable.js';
export { readCsv, CsvError, type ReadCsvOptions, type CsvTable } from './csv.js';
