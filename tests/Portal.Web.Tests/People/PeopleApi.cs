using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Web.Auth;

namespace Portal.Web.Tests.People;

/// <summary>What the people tests do again and again: make an operator, a customer, invite and accept over HTTP and SMTP.</summary>
internal sealed class PeopleApi(PeopleFixture fixture)
{
    public const string Password = "Long#Password1";

    public async Task<(PortalUser User, HttpClient Api)> OperatorAsync()
    {
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Operator, $"op-{Guid.NewGuid():N}@example.test", Password);
        return (user, fixture.Portal.CreateClient(await TokenForAsync(user)));
    }

    public Task<string> TokenForAsync(PortalUser user, IReadOnlyCollection<string>? scopes = null, TimeSpan? lifetime = null) =>
        fixture.Portal.WithScopeAsync(async services =>
            (await services.GetRequiredService<ApiTokenService>().CreateAsync(new Actor(user.Id, user.Email!), "test", scopes, lifetime)).Value);

    public async Task<Guid> CreateCustomerAsync(HttpClient operatorApi, int? maxHosts = null)
    {
        var slug = "t" + Guid.NewGuid().ToString("N")[..10];
        var response = await operatorApi.PostAsJsonAsync("/api/v1/customers", new { name = $"Tenant {slug}", slug, maxHosts });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static async Task InviteAsync(HttpClient api, Guid customerId, string email, string role)
    {
        var response = await api.PostAsJsonAsync($"/api/v1/customers/{customerId}/invitations", new { email, role });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Reads the invitation e-mail at the SMTP server and accepts it through the invitation page's form.</summary>
    public async Task<FormClient> AcceptAsync(string email, string displayName = "Invited Person")
    {
        var link = (await fixture.Mail.WaitForAsync(email, "invited")).LinkTo("/account/invitation");
        var browser = new FormClient(fixture.Portal);
        var response = await AcceptLinkAsync(browser, link, displayName);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return browser;
    }

    public static Task<HttpResponseMessage> AcceptLinkAsync(FormClient browser, string link, string displayName = "Invited Person") =>
        browser.PostFormAsync(new Uri(link).PathAndQuery, new Dictionary<string, string>
        {
            ["Input.DisplayName"] = displayName,
            ["Input.Password"] = Password,
            ["Input.Confirm"] = Password,
        });

    /// <summary>A signed-in customer admin of a new customer, with an API token, invited and accepted the real way.</summary>
    public async Task<(Guid CustomerId, string Email, HttpClient Api)> CustomerAdminAsync(HttpClient operatorApi)
    {
        var customerId = await CreateCustomerAsync(operatorApi);
        var email = $"admin-{Guid.NewGuid():N}@example.test";
        await InviteAsync(operatorApi, customerId, email, "CustomerAdmin");
        using var browser = await AcceptAsync(email);
        var user = await fixture.Portal.WithScopeAsync(services =>
            services.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<PortalUser>>().FindByEmailAsync(email));
        return (customerId, email, fixture.Portal.CreateClient(await TokenForAsync(user!)));
    }
}
