using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Web.Tests.Operations;

/// <summary>The operators' approval calls the approval tests make.</summary>
internal static class ApprovalApi
{
    public static async Task<List<JsonElement>> ListAsync(TestOperator ops) =>
        (await ops.Api.GetFromJsonAsync<JsonElement>("/api/v1/operations/approvals?pageSize=100")).GetProperty("items").EnumerateArray().ToList();

    public static Task<HttpResponseMessage> PostAsync(TestOperator ops, Guid releaseId, string decision, string comment) =>
        ops.Api.PostAsJsonAsync($"/api/v1/operations/approvals/{releaseId}/{decision}", new { comment });

    public static async Task<JsonElement> DecideAsync(TestOperator ops, Guid releaseId, string decision, string comment)
    {
        var response = await PostAsync(ops, releaseId, decision, comment);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{decision}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
