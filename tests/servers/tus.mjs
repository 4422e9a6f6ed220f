// A tus 1.0 server for the upload tests: @tus/server 2.4.5 with @tus/file-store, on 127.0.0.1.
//
//   node tus.mjs PORT DIR
//
// @tus/server does not implement tus' checksum extension, so this front adds it (tus 1.0 spec,
// "Checksum"): OPTIONS advertises `checksum` and `Tus-Checksum-Algorithm: sha256`; a PATCH with
// `Upload-Checksum: sha256 <base64>` is read whole (bounded), its SHA-256 compared, and answered
// 460 Checksum Mismatch without touching the store when it differs. Everything else, and every
// accepted PATCH, is handled by @tus/server itself.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';

const [port, dir] = process.argv.slice(2);
if (!port || !dir) {
  console.error('usage: node tus.mjs PORT DIR');
  process.exit(2);
}
const MAX_CHECKED_BODY = 256 * 1024 * 1024;
const tus = new Server({ path: '/files', datastore: new FileStore({ directory: dir }) });

function send(res, status, headers, body = '') {
  res.writeHead(status, { 'Tus-Resumable': '1.0.0', ...headers });
  res.end(body);
}

function webRequest(req, body) {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (k !== 'upload-checksum' && v !== undefined) headers.set(k, Array.isArray(v) ? v.join(',') : v);
  }
  const init = { method: req.method, headers };
  if (body !== undefined) Object.assign(init, { body, duplex: 'half' });
  return new Request(`http://${req.headers.host}${req.url}`, init);
}

async function reply(res, response, extra = {}) {
  const headers = Object.fromEntries(response.headers);
  res.writeHead(response.status, { ...headers, ...extra });
  res.end(Buffer.from(await response.arrayBuffer()));
}

async function options(req, res) {
  // @tus/server's answer, with the checksum extension it does not list itself.
  const response = await tus.handleWeb(webRequest(req));
  const ext = response.headers.get('tus-extension');
  await reply(res, response, { 'tus-extension': ext ? `${ext},checksum` : 'checksum', 'tus-checksum-algorithm': 'sha256' });
}

async function checkedPatch(req, res, checksum) {
  const [algo, expected] = checksum.trim().split(/\s+/);
  if (algo !== 'sha256' || !expected) {
    return send(res, 400, {}, 'unsupported checksum algorithm');
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_CHECKED_BODY) return send(res, 413, {}, 'body too large to check');
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  const actual = createHash('sha256').update(body).digest('base64');
  if (actual !== expected) {
    return send(res, 460, {}, `checksum mismatch: got sha256 ${actual}, header says ${expected}`);
  }
  await reply(res, await tus.handleWeb(webRequest(req, body)));
}

// A finished upload read back (the uploader's final check), served from the store's own file.
// @tus/server's GET answers through a web stream that, on Node 20, sometimes closes twice after
// the client has read it all and ends the process (ERR_INVALID_STATE in undici): seen in CI.
function get(req, res) {
  const id = req.url.slice('/files/'.length);
  if (!/^[0-9a-f]{16,64}$/.test(id)) return send(res, 404, {}, 'no such upload');
  const file = path.join(dir, id);
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) return send(res, 404, {}, 'no such upload');
    res.writeHead(200, { 'Tus-Resumable': '1.0.0', 'Content-Type': 'application/octet-stream', 'Content-Length': st.size });
    fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
}

const fail = (res) => (e) => send(res, 500, {}, String(e));
const server = http.createServer((req, res) => {
  const checksum = req.headers['upload-checksum'];
  if (req.method === 'OPTIONS') return options(req, res).catch(fail(res));
  if (req.method === 'PATCH' && checksum) return checkedPatch(req, res, checksum).catch(fail(res));
  if (req.method === 'GET' && req.url.startsWith('/files/')) return get(req, res);
  return tus.handle(req, res);
});
server.listen(Number(port), '127.0.0.1', () => console.log(`tus server on http://127.0.0.1:${port}/files/ storing in ${dir}`));
