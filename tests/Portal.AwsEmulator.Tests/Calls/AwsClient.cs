using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Portal.AwsEmulator.Tests.Calls;

/// <summary>An error answer: AWS's code, message and HTTP status.</summary>
public sealed class AwsError(string code, string message, int status) : Exception($"{code} ({status}): {message}")
{
    public string Code { get; } = code;
    public string AwsMessage { get; } = message;
    public int Status { get; } = status;
}

/// <summary>
/// Raw AWS calls over HTTP, as an SDK sends them: Query protocol forms and JSON 1.1 bodies, with X-Amz-Date and an
/// Authorization header whose credential scope names the region (the emulator checks the time, not the signature).
/// </summary>
public sealed class AwsClient(Uri endpoint, string region = "eu-west-1") : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = endpoint };

    public string Region { get; } = region;

    /// <summary>How far this client's clock is off: added to the time it signs with (X-Amz-Date).</summary>
    public TimeSpan ClockOffset { get; set; }

    /// <summary>The &lt;{Action}Result&gt; element (or the whole response when there is none).</summary>
    public async Task<XElement> QueryAsync(string version, string service, string action, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var form = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", version) };
        form.AddRange(fields);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent(form) };
        Sign(request, service);
        using var response = await http.SendAsync(request);
        var document = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        if (!response.IsSuccessStatusCode)
        {
            var error = document.Child("Error");
            throw new AwsError(error.Text("Code"), error.Text("Message"), (int)response.StatusCode);
        }
        return document.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Result") ?? document;
    }

    public async Task<JsonObject> JsonAsync(string target, string service, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", target);
        Sign(request, service);
        using var response = await http.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject ?? [];
        if (!response.IsSuccessStatusCode)
            throw new AwsError(answer["__type"]!.GetValue<string>(), answer["message"]?.GetValue<string>() ?? "", (int)response.StatusCode);
        return answer;
    }

    private void Sign(HttpRequestMessage request, string service)
    {
        var now = DateTime.UtcNow + ClockOffset;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", now.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential=AKIDTEST/{now:yyyyMMdd}/{Region}/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000");
    }

    public void Dispose() => http.Dispose();
}

/// <summary>Namespace-blind reads of Query protocol responses.</summary>
public static class XmlReads
{
    public static XElement Child(this XElement element, string name) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == name) ?? throw new InvalidOperationException($"<{element.Name.LocalName}> has no <{name}>: {element}");

    public static XElement? OptionalChild(this XElement element, string name) => element.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public static string Text(this XElement element, string name) => element.Child(name).Value;

    public static string? OptionalText(this XElement element, string name) => element.OptionalChild(name)?.Value;

    /// <summary>The &lt;member&gt; elements of a list element.</summary>
    public static IReadOnlyList<XElement> Members(this XElement element, string listName) =>
        element.OptionalChild(listName)?.Elements().Where(e => e.Name.LocalName == "member").ToList() ?? [];
}
