/**
 * readCsv — loads a numeric table (e.g. a price series) with csv-parse,
 * streaming, into a [rows, columns] float32 Tensor, with an optional date
 * column kept aside. Any cell that is not a number fails with the file,
 * the 1-based line number and the column name.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { Tensor } from '../tensor.js';

export interface ReadCsvOptions {
  /** Numeric columns to read, in this order; default: every column but the date column. */
  columns?: string[];
  /** Name of a date column, parsed with `new Date()` into `dates`. */
  dateColumn?: string;
  delimiter?: string;
}

export interface CsvTable {
  /** [rows, columns.length] float32. */
  values: Tensor;
  columns: string[];
  /** One Date per row when `dateColumn` was given. */
  dates?: Date[];
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: string,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

export async function readCsv(file: string, options: ReadCsvOptions = {}): Promise<CsvTable> {
  const input = createReadStream(file);
  const parser = input.pipe(parse({ delimiter: options.delimiter ?? ',', trim: true, skip_empty_lines: true, info: true }));
  // pipe() does not forward read errors (e.g. ENOENT): hand them to the parser so the loop below sees them.
  input.on('error', (err) => parser.destroy(err));
  let header: string[] | null = null;
  let picks: number[] = [];
  let dateIdx = -1;
  let columns: string[] = [];
  const values: number[] = [];
  const dates: Date[] = [];
  let line = 0;
  try {
    // `info.lines` is the file line the record ends on, so messages point at the real line even past blank lines.
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      line = info.lines;
      if (header === null) {
        header = record;
        if (options.dateColumn !== undefined) {
          dateIdx = header.indexOf(options.dateColumn);
          if (dateIdx < 0) throw new CsvError(`${file}: no date column "${options.dateColumn}" (columns: ${header.join(', ')})`, file, 1, options.dateColumn);
        }
        columns = options.columns ?? header.filter((_, i) => i !== dateIdx);
        picks = columns.map((c) => {
          const i = header?.indexOf(c) ?? -1;
          if (i < 0) throw new CsvError(`${file}: no column "${c}" (columns: ${record.join(', ')})`, file, 1, c);
          return i;
        });
        continue;
      }
      for (let k = 0; k < picks.length; k++) {
        const cell = record[picks[k]];
        const v = cell === '' ? NaN : Number(cell);
        if (!Number.isFinite(v)) {
          throw new CsvError(`${file}: line ${line}, column "${columns[k]}": "${cell}" is not a number`, file, line, columns[k]);
        }
        values.push(v);
      }
      if (dateIdx >= 0) {
        const d = new Date(record[dateIdx]);
        if (Number.isNaN(d.getTime())) {
          throw new CsvError(`${file}: line ${line}, column "${options.dateColumn}": "${record[dateIdx]}" is not a date`, file, line, options.dateColumn);
        }
        dates.push(d);
      }
    }
  } catch (err) {
    parser.destroy();
    if (err instanceof CsvError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new CsvError(`CSV file not found: ${file}`, file);
    throw new CsvError(`${file}: ${e.message}`, file);
  }
  if (header === null) throw new CsvError(`${file}: empty file`, file);
  const rows = values.length / Math.max(columns.length, 1);
  const table: CsvTable = { values: new Tensor(Float32Array.from(values), [rows, columns.length], 'float32'), columns };
  if (dateIdx >= 0) table.dates = dates;
  return table;
}
