using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Data.Audit;
using Portal.Provisioning.Orders;
using Portal.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

public sealed partial class CustomerJourneyTests
{
    [Fact]
    public async Task The_host_page_shows_the_managed_webhooks_status_with_an_api_token_and_the_manual_steps_without()
    {
        var customer = await SignInAsNewCustomerAsync();
        var readOnly = await Fixture.World.GitLab.NewProjectAsync();
        var (_, readApiToken) = await Fixture.World.GitLab.PersonalTokenAsync(readOnly.UserId, ["read_api"]);
        await OrderWithTokenAsync(customer, "managed", ProvisioningWorld.NextProject(), ProvisioningWorld.GitLabToken);
        await OrderWithTokenAsync(customer, "manual", readOnly.Path, readApiToken);

        await Page.GotoAsync("/hosts/managed");
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Expect(Page.GetByTestId("webhook-managed")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("webhook-manual")).ToHaveCountAsync(0);
        // The hook sync registers it in the background; the page follows live.
        await Expect(Page.GetByTestId("webhook-status")).ToContainTextAsync("Registered as hook", new() { Timeout = 30_000 });
        await Expect(Page.GetByTestId("webhook-status")).ToContainTextAsync("push events of dev");

        await Page.GotoAsync("/hosts/manual");
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Expect(Page.GetByTestId("webhook-manual")).ToContainTextAsync("add a webhook for push events");
        await Expect(Page.GetByTestId("webhook-manual")).ToContainTextAsync("read_api scope, not api");
        await Expect(Page.GetByTestId("webhook-managed")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("webhook-url")).ToHaveTextAsync($"{Fixture.Portal.BaseUrl.ToString().TrimEnd('/')}/hooks/gitlab");
    }

    private Task OrderWithTokenAsync(PortalUser user, string name, string project, string token) => Fixture.Portal.WithScopeAsync(async services =>
    {
        var outcome = await services.GetRequiredService<HostOrders>().CreateAsync(new Actor(user.Id, user.Email!), user.CustomerId!.Value, new HostOrder
        {
            Name = name,
            Plan = "small",
            Environments = ["dev"],
            GitLabProjectPath = project,
            GitLabProjectUrl = $"https://gitlab.example.com/{project}",
            GitLabToken = token,
        });
        return Assert.IsType<OrderOutcome.Created>(outcome);
    });
}
