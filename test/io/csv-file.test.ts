import { describe, expect, it } from 'vitest';
import { parseCsv, readCsvFile } from '../../lib/io/csv-file.js';

describe('parseCsv(text, where)', () => {
  it('returns the header and string rows', () => {
    expect(parseCsv('a,b\n1,"x,y"\n', 'f')).toEqual({ columns: ['a', 'b'], rows: [['1', 'x,y']] });
  });

  it.each([
    ['', 'f: empty file; expected a header line'],
    ['a,a\n1,2\n', 'f: column "a" appears twice in the header'],
    ['a,b\n1\n', 'f: not a valid CSV file'],
    ['a,b\n"1,2\n', 'f: not a valid CSV file'],
  ])('refuses %j', (text, message) => {
    expect(() => parseCsv(text, 'f')).toThrow(message);
  });

  it('names the field and the file when it cannot be read', () => {
    expect(() => readCsvFile('/nonexistent.csv', 'sweep')).toThrow('sweep /nonexistent.csv: cannot read');
  });
});
