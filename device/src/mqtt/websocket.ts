import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';

/**
 * MQTT over WebSocket: answers HTTP upgrades on `path` only (other upgrade listeners, e.g. the live
 * event stream, keep theirs; with no other listener, other paths get a 404) and hands each connection
 * to the broker as a byte stream.
 * Returns a function that detaches and closes open WebSocket connections.
 */
export function attachWebSocket(
  httpServer: HttpServer,
  accept: (stream: Duplex, req: IncomingMessage) => void,
  path = '/mqtt',
): () => void {
  const wss = new WebSocketServer({ noServer: true });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname !== path) {
      // Another upgrade listener (e.g. the live event stream) may own this path; if there is none, refuse it.
      if (httpServer.listenerCount('upgrade') === 1) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createWebSocketStream(ws);
      // ws reports protocol errors on the stream; the broker sees them as a closed connection.
      stream.on('error', () => ws.terminate());
      accept(stream, req);
    });
  };
  httpServer.on('upgrade', onUpgrade);
  return () => {
    httpServer.off('upgrade', onUpgrade);
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  };
}
