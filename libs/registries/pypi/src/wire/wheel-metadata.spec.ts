import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { parseMetadataHeaders, readWheelMetadata } from './wheel-metadata';

function zip(entries: Record<string, string>): Buffer {
  const script = 'import io,json,sys,zipfile\nb=io.BytesIO()\nz=zipfile.ZipFile(b,"w",zipfile.ZIP_DEFLATED)\nfor k,v in json.loads(sys.argv[1]).items(): z.writestr(k,v)\nz.close()\nsys.stdout.buffer.write(b.getvalue())';
  return execFileSync('python3', ['-c', script, JSON.stringify(entries)]);
}

const rangeOf = (data: Buffer) => async (start: number, end: number) => Readable.from([data.subarray(start, end + 1)]);

describe('wheel METADATA (PEP 658)', () => {
  it('reads the dist-info METADATA of the wheel named by the file', async () => {
    const data = zip({ 'demo_pkg/__init__.py': '', 'demo_pkg-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: Demo.Pkg\nVersion: 1.0\nRequires-Python: >=3.8\n\nbody\nName: not-a-header\n', 'other-2.0.dist-info/METADATA': 'Name: other' });
    const metadata = await readWheelMetadata(rangeOf(data), data.length, 'demo_pkg-1.0-py3-none-any.whl');
    expect(parseMetadataHeaders(metadata)).toEqual({ name: 'Demo.Pkg', version: '1.0', requiresPython: '>=3.8' });
  });

  it('refuses a zip without METADATA and a non-zip', async () => {
    const data = zip({ 'demo_pkg/__init__.py': '' });
    await expect(readWheelMetadata(rangeOf(data), data.length, 'demo_pkg-1.0-py3-none-any.whl')).rejects.toThrow(/no .dist-info\/METADATA/);
    const junk = Buffer.from('not a zip at all, just text');
    await expect(readWheelMetadata(rangeOf(junk), junk.length, 'demo_pkg-1.0-py3-none-any.whl')).rejects.toThrow(/not a valid wheel/);
  });
});
