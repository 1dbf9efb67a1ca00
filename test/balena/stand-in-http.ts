import type { IncomingMessage, ServerResponse } from 'node:http';

/** The whole request body as text (the stand-ins' requests are small). */
export async function bodyText(req: IncomingMessage): Promise<string> {
  let raw = '';
  for await (const c of req) raw += c;
  return raw;
}

/** How a stand-in answers: a JSON body or a plain-text one, with the status balena's services use. */
export function replies(res: ServerResponse): { json(status: number, body: unknown): void; text(status: number, text: string): void } {
  return {
    json(status, body) {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    },
    text(status, text) {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(text);
    },
  };
}
