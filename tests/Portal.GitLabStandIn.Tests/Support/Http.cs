using System.Net;
using System.Text.Json.Nodes;

namespace Portal.GitLabStandIn.Tests.Support;

public static class Http
{
    public static async Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> GetJsonAsync(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        return (response.StatusCode, await ParseAsync(response), response);
    }

    public static async Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> SendJsonAsync(this HttpClient client,
        HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body as string ?? System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8,
                "application/json");
        var response = await client.SendAsync(request);
        return (response.StatusCode, await ParseAsync(response), response);
    }

    private static async Task<JsonNode?> ParseAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    public static string Json(this JsonNode? node) => node?.ToJsonString() ?? "null";
}
