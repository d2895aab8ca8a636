using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Provisioning.Orders;

namespace Portal.Web.Tests.People;

public sealed class PeopleApiTests(PeopleFixture fixture) : IClassFixture<PeopleFixture>
{
    private PeopleApi People => new(fixture);

    [Fact]
    public async Task An_operator_creates_a_customer_invites_an_admin_who_accepts_and_invites_a_teammate()
    {
        var (_, operatorApi) = await People.OperatorAsync();
        var (customerId, adminEmail, adminApi) = await People.CustomerAdminAsync(operatorApi);

        var me = await adminApi.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal(customerId, me.GetProperty("customerId").GetGuid());
        Assert.Contains("CustomerAdmin", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        var teammate = $"mate-{Guid.NewGuid():N}@example.test";
        await PeopleApi.InviteAsync(adminApi, customerId, teammate, "CustomerMember");
        var open = await adminApi.GetFromJsonAsync<JsonElement>($"/api/v1/customers/{customerId}/invitations");
        Assert.Equal([teammate], open.EnumerateArray().Select(i => i.GetProperty("email").GetString()));
        using var mate = await People.AcceptAsync(teammate, "Team Mate");

        var people = await adminApi.GetFromJsonAsync<JsonElement>($"/api/v1/customers/{customerId}/people");
        var roles = people.EnumerateArray().ToDictionary(p => p.GetProperty("email").GetString()!, p => p.GetProperty("role").GetString());
        Assert.Equal("customer admin", roles[adminEmail]);
        Assert.Equal("customer member", roles[teammate]);
        Assert.Equal(HttpStatusCode.OK, (await mate.Http.GetAsync("/api/v1/me")).StatusCode);

        var listed = (await operatorApi.GetFromJsonAsync<JsonElement>("/api/v1/customers")).EnumerateArray().ToList();
        Assert.Equal(2, listed.Single(c => c.GetProperty("id").GetGuid() == customerId).GetProperty("people").GetInt32());

        var audit = await fixture.Portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().AuditEntries
            .Where(e => e.CustomerId == customerId).Select(e => e.Action).ToListAsync());
        Assert.Contains("customer.created", audit);
        Assert.Equal(2, audit.Count(a => a == "user.invited"));
        Assert.Equal(2, audit.Count(a => a == "user.invitation-accepted"));
    }

    [Fact]
    public async Task An_invitation_link_works_once_and_not_after_it_expires()
    {
        var (_, operatorApi) = await People.OperatorAsync();
        var customerId = await People.CreateCustomerAsync(operatorApi);
        var email = $"once-{Guid.NewGuid():N}@example.test";
        await PeopleApi.InviteAsync(operatorApi, customerId, email, "CustomerMember");
        var link = (await fixture.Mail.WaitForAsync(email, "invited")).LinkTo("/account/invitation");
        var token = Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        Assert.All(await StoredInvitationTextAsync(), stored => Assert.DoesNotContain(token, stored));

        using (var first = new FormClient(fixture.Portal))
            Assert.Equal(HttpStatusCode.Redirect, (await PeopleApi.AcceptLinkAsync(first, link)).StatusCode);
        using (var second = new FormClient(fixture.Portal))
        {
            var again = await second.Http.GetStringAsync(new Uri(link).PathAndQuery);
            Assert.Contains("data-testid=\"invitation-unusable\"", again);
        }

        var late = $"late-{Guid.NewGuid():N}@example.test";
        await PeopleApi.InviteAsync(operatorApi, customerId, late, "CustomerMember");
        var lateLink = (await fixture.Mail.WaitForAsync(late, "invited")).LinkTo("/account/invitation");
        await fixture.Portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().Invitations
            .Where(i => i.Email == late).ExecuteUpdateAsync(set => set.SetProperty(i => i.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1))));
        using var third = new FormClient(fixture.Portal);
        Assert.Contains("data-testid=\"invitation-unusable\"", await third.Http.GetStringAsync(new Uri(lateLink).PathAndQuery));
        Assert.False(await fixture.Portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().Users.AnyAsync(u => u.Email == late)));
    }

    [Fact]
    public async Task A_customer_admin_reaches_only_their_own_customer_and_a_member_manages_nobody()
    {
        var (_, operatorApi) = await People.OperatorAsync();
        var (customerA, _, adminA) = await People.CustomerAdminAsync(operatorApi);
        var (customerB, _, _) = await People.CustomerAdminAsync(operatorApi);

        Assert.Equal(HttpStatusCode.NotFound, (await adminA.GetAsync($"/api/v1/customers/{customerB}/people")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminA.PostAsJsonAsync($"/api/v1/customers/{customerB}/invitations",
            new { email = "x@example.test", role = "CustomerMember" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await adminA.GetAsync("/api/v1/customers")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await adminA.PostAsJsonAsync("/api/v1/operators/invitations", new { email = "o@example.test" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await adminA.PatchAsJsonAsync($"/api/v1/customers/{customerA}", new { maxHosts = 99 })).StatusCode);
        var operatorRole = await adminA.PostAsJsonAsync($"/api/v1/customers/{customerA}/invitations", new { email = "o2@example.test", role = "Operator" });
        Assert.Equal(HttpStatusCode.BadRequest, operatorRole.StatusCode);

        var member = $"member-{Guid.NewGuid():N}@example.test";
        await PeopleApi.InviteAsync(adminA, customerA, member, "CustomerMember");
        using var memberBrowser = await People.AcceptAsync(member);
        Assert.Equal(HttpStatusCode.Forbidden, (await memberBrowser.Http.GetAsync($"/api/v1/customers/{customerA}/people")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await memberBrowser.Http.PostAsJsonAsync($"/api/v1/customers/{customerA}/invitations",
            new { email = "y@example.test", role = "CustomerMember" })).StatusCode);
    }

    [Fact]
    public async Task Removing_a_person_ends_their_session_and_revokes_their_tokens_at_once()
    {
        var (_, operatorApi) = await People.OperatorAsync();
        var (customerId, _, adminApi) = await People.CustomerAdminAsync(operatorApi);
        var member = $"gone-{Guid.NewGuid():N}@example.test";
        await PeopleApi.InviteAsync(adminApi, customerId, member, "CustomerMember");
        using var browser = await People.AcceptAsync(member);
        var memberId = (await browser.Http.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetGuid();
        var user = await fixture.Portal.WithScopeAsync(s => s.GetRequiredService<PortalDbContext>().Users.SingleAsync(u => u.Id == memberId));
        using var tokenApi = fixture.Portal.CreateClient(await People.TokenForAsync(user));
        Assert.Equal(HttpStatusCode.OK, (await tokenApi.GetAsync("/api/v1/me")).StatusCode);

        var removed = await adminApi.DeleteAsync($"/api/v1/customers/{customerId}/people/{memberId}");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tokenApi.GetAsync("/api/v1/me")).StatusCode);
        using var again = new FormClient(fixture.Portal);
        Assert.Contains("disabled", await FormClient.SignInErrorAsync(await again.SignInAsync(member, PeopleApi.Password)));
    }

    [Fact]
    public async Task Suspending_a_customer_stops_its_people_and_the_quota_is_the_customers_own()
    {
        var (_, operatorApi) = await People.OperatorAsync();
        var (customerId, adminEmail, adminApi) = await People.CustomerAdminAsync(operatorApi);

        var patched = await operatorApi.PatchAsJsonAsync($"/api/v1/customers/{customerId}", new { name = "Renamed Ltd", maxHosts = 3 });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("Renamed Ltd", (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
        var quota = await fixture.Portal.WithScopeAsync(s => s.GetRequiredService<HostOrders>().QuotaAsync(customerId));
        Assert.Equal(3, quota.Max);

        Assert.Equal(HttpStatusCode.OK, (await operatorApi.PatchAsJsonAsync($"/api/v1/customers/{customerId}", new { suspended = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await adminApi.GetAsync("/api/v1/me")).StatusCode);
        using var browser = new FormClient(fixture.Portal);
        Assert.Contains("suspended", await FormClient.SignInErrorAsync(await browser.SignInAsync(adminEmail, PeopleApi.Password)));

        Assert.Equal(HttpStatusCode.OK, (await operatorApi.PatchAsJsonAsync($"/api/v1/customers/{customerId}", new { suspended = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await adminApi.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_400_or_409_and_nothing_is_created()
    {
        var (_, operatorApi) = await People.OperatorAsync();
        var badSlug = await operatorApi.PostAsJsonAsync("/api/v1/customers", new { name = "X", slug = "Not A Slug" });
        Assert.Equal(HttpStatusCode.BadRequest, badSlug.StatusCode);
        Assert.Contains("slug", await badSlug.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await operatorApi.PostAsJsonAsync("/api/v1/customers", new { name = " ", slug = "okslug" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await operatorApi.PostAsJsonAsync("/api/v1/customers", new { name = "Q", slug = "qslug", maxHosts = -1 })).StatusCode);

        var customerId = await People.CreateCustomerAsync(operatorApi);
        Assert.Equal(HttpStatusCode.BadRequest, (await operatorApi.PostAsJsonAsync($"/api/v1/customers/{customerId}/invitations",
            new { email = "not an address", role = "CustomerMember" })).StatusCode);
        var (existing, _) = await People.OperatorAsync();
        Assert.Equal(HttpStatusCode.Conflict, (await operatorApi.PostAsJsonAsync($"/api/v1/customers/{customerId}/invitations",
            new { email = existing.Email, role = "CustomerMember" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorApi.PatchAsJsonAsync($"/api/v1/customers/{Guid.NewGuid()}", new { name = "Y" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await operatorApi.PostAsync("/api/v1/customers",
            new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task Operators_invite_operators_and_the_document_lists_the_people_routes()
    {
        var (_, operatorApi) = await People.OperatorAsync();
        var email = $"newop-{Guid.NewGuid():N}@example.test";
        Assert.Equal(HttpStatusCode.Created, (await operatorApi.PostAsJsonAsync("/api/v1/operators/invitations", new { email })).StatusCode);
        using var browser = await People.AcceptAsync(email);
        var me = await browser.Http.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal(["Operator"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!));
        var operators = await operatorApi.GetFromJsonAsync<JsonElement>("/api/v1/operators");
        Assert.Contains(email, operators.EnumerateArray().Select(o => o.GetProperty("email").GetString()));

        var document = await operatorApi.GetStringAsync("/openapi/v1.json");
        foreach (var route in new[] { "/api/v1/customers", "/api/v1/customers/{customerId}/invitations", "/api/v1/customers/{customerId}/people/{userId}",
                     "/api/v1/operators/invitations", "/api/v1/users/{userId}/unlock" })
            Assert.Contains($"\"{route}\"", document);
    }

    /// <summary>What the database holds of invitations: their rows and their e-mails in the outbox (sent or not).</summary>
    private Task<List<string>> StoredInvitationTextAsync() => fixture.Portal.WithScopeAsync(async services =>
    {
        var db = services.GetRequiredService<PortalDbContext>();
        var rows = await db.Invitations.Select(i => i.TokenHash + " " + i.Email).ToListAsync();
        var mails = await db.OutgoingMails.Select(m => m.Body + " " + m.Link).ToListAsync();
        Assert.NotEmpty(mails);
        return rows.Concat(mails).ToList();
    });
}
