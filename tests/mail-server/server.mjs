// A real SMTP server for the tests (npm smtp-server): receives the portal's e-mails and serves them as JSON.
// Prints "smtp <port> http <port>" once listening; GET /messages answers [{ to, subject, text }].
import http from 'node:http';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

const messages = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    simpleParser(stream).then(mail => {
      messages.push({
        to: session.envelope.rcptTo.map(r => r.address),
        from: session.envelope.mailFrom && session.envelope.mailFrom.address,
        subject: mail.subject ?? '',
        text: mail.text ?? '',
      });
      callback();
    }, callback);
  },
});
const web = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/messages') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(messages));
  } else {
    res.writeHead(404);
    res.end();
  }
});
smtp.listen(0, '127.0.0.1', () => {
  web.listen(0, '127.0.0.1', () => {
    console.log(`smtp ${smtp.server.address().port} http ${web.address().port}`);
  });
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
