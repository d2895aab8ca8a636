// A real SMTP server for the mail tests (smtp-server, the SMTP server of Nodemailer): it accepts mail on 127.0.0.1,
// keeps every message it accepted, and refuses the next N messages with a given reply on demand.
//   node smtp-peer.mjs            prints {"smtp": PORT, "http": PORT} once listening
//   GET  http://127.0.0.1:HTTP/messages          what was accepted, oldest first
//   POST http://127.0.0.1:HTTP/refuse?count=N&code=451   the next N messages are refused after DATA
import { createServer } from "node:http";
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";

const messages = [];
let refusals = { count: 0, code: 451 };
let attempts = 0;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream).then(parsed => {
      attempts++;
      if (refusals.count > 0) {
        refusals.count--;
        const error = new Error("Try again later (refused by the test)");
        error.responseCode = refusals.code;
        return callback(error);
      }
      messages.push({
        envelopeFrom: session.envelope.mailFrom && session.envelope.mailFrom.address,
        envelopeTo: session.envelope.rcptTo.map(r => r.address),
        from: parsed.from && parsed.from.text,
        to: parsed.to && parsed.to.text,
        subject: parsed.subject,
        text: parsed.text,
        messageId: parsed.messageId,
      });
      callback();
    }, callback);
  },
});

const http = createServer((request, response) => {
  const url = new URL(request.url, "http://127.0.0.1");
  response.setHeader("content-type", "application/json");
  if (request.method === "GET" && url.pathname === "/messages") return response.end(JSON.stringify({ attempts, messages }));
  if (request.method === "POST" && url.pathname === "/refuse") {
    refusals = { count: Number(url.searchParams.get("count") ?? 1), code: Number(url.searchParams.get("code") ?? 451) };
    return response.end(JSON.stringify(refusals));
  }
  response.statusCode = 404;
  response.end("{}");
});

smtp.listen(0, "127.0.0.1", () => {
  http.listen(0, "127.0.0.1", () => {
    process.stdout.write(JSON.stringify({ smtp: smtp.server.address().port, http: http.address().port }) + "\n");
  });
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
