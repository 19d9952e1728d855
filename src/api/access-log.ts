// The access log: one line per request, written when the response has been sent, with what an
// operator looks for (method, url, status, responseTime in ms; reqId comes from the request's
// logger). Fastify's default is two lines, "incoming request" and "request completed", each
// serializing the whole request or reply; on a poll that was a measured share of the request's
// cost (bench/api.ts), for nothing the single line lacks. The incoming line stays at debug.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export class AccessLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: request.url }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
    };
    // An error here is the response stream's own (the client went away mid-body, a write failed);
    // errors of the request's handling were already answered and logged by the error handler.
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
