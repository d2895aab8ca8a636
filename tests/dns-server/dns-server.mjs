// A real DNS server for the custom-domain DNS tests (dns2): it answers over UDP on 127.0.0.1 from the records the tests
// give it, as a resolver would (a CNAME is followed to the records of the asked type it knows), and NXDOMAIN for any
// name it has no records for.
//   node dns-server.mjs            prints {"dns": PORT, "http": PORT} once listening
//   PUT    http://127.0.0.1:HTTP/records/NAME   body [{"type": "CNAME", "value": "lb.example.test"}, {"type": "A", "value": "192.0.2.1"}]
//   DELETE http://127.0.0.1:HTTP/records/NAME   NAME answers NXDOMAIN again
import { createServer } from "node:http";
import dns2 from "dns2";

const { Packet } = dns2;
const types = { A: Packet.TYPE.A, AAAA: Packet.TYPE.AAAA, CNAME: Packet.TYPE.CNAME };
const zone = new Map();

const key = name => name.toLowerCase().replace(/\.$/, "");

function answer(name, type, records) {
  const base = { name, type: types[type], class: Packet.CLASS.IN, ttl: 60 };
  return records.filter(r => r.type === type).map(r => (type === "CNAME" ? { ...base, domain: r.value } : { ...base, address: r.value }));
}

const dns = dns2.createServer({
  udp: true,
  handle(request, send) {
    const response = Packet.createResponseFromRequest(request);
    response.header.ra = 1;
    const [question] = request.questions;
    const records = zone.get(key(question.name));
    if (!records) {
      response.header.rcode = Packet.RCODE.NXDOMAIN;
      return send(response);
    }
    const asked = Object.keys(types).find(t => types[t] === question.type);
    const alias = records.find(r => r.type === "CNAME");
    if (alias && asked !== "CNAME") {
      response.answers.push(...answer(question.name, "CNAME", [alias]));
      const target = zone.get(key(alias.value));
      if (target && asked) response.answers.push(...answer(alias.value, asked, target));
    } else if (asked) {
      response.answers.push(...answer(question.name, asked, records));
    }
    send(response);
  },
});

const http = createServer((request, response) => {
  const url = new URL(request.url, "http://127.0.0.1");
  const name = url.pathname.startsWith("/records/") ? key(decodeURIComponent(url.pathname.slice("/records/".length))) : null;
  response.setHeader("content-type", "application/json");
  if (name && request.method === "DELETE") {
    zone.delete(name);
    return response.end("{}");
  }
  if (name && request.method === "PUT") {
    let body = "";
    request.on("data", chunk => (body += chunk));
    request.on("end", () => {
      const records = JSON.parse(body);
      if (!Array.isArray(records) || records.some(r => !types[r.type] || typeof r.value !== "string")) {
        response.statusCode = 400;
        return response.end(JSON.stringify({ error: "records are [{type: A|AAAA|CNAME, value}]" }));
      }
      zone.set(name, records);
      response.end(JSON.stringify(records));
    });
    return;
  }
  response.statusCode = 404;
  response.end("{}");
});

const { udp } = await dns.listen({ udp: { port: 0, address: "127.0.0.1" } });
http.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ dns: udp.port, http: http.address().port }) + "\n");
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
