using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Web.People;

namespace Portal.Web.Tests.People;

/// <summary>The way into a fresh installation: `create-operator` prints a one-time link, once.</summary>
public sealed class FirstOperatorCommandTests
{
    [Fact]
    public async Task Create_operator_prints_a_one_time_link_on_a_fresh_database_and_refuses_once_an_operator_exists()
    {
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("firstop");
        string[] common =
        [
            "--environment", "Development", "--contentRoot", AppContext.BaseDirectory,
            $"--ConnectionStrings:{PortalApp.ConnectionStringName}={connectionString}",
        ];

        var usage = new StringWriter();
        Assert.Equal(2, await FirstOperatorCommand.RunAsync(common, usage));
        Assert.Contains("Usage", usage.ToString());

        var output = new StringWriter();
        var exit = await FirstOperatorCommand.RunAsync(
            ["--email", "first@example.test", "--portal-url", "https://portal.example.test", .. common], output);
        Assert.True(exit == 0, output.ToString());
        Assert.Matches(@"https://portal\.example\.test/account/invitation\?token=inv_[A-Za-z0-9_-]{43}", output.ToString());

        // Once an operator exists (here made directly, as accepting the link would), the command steps aside.
        await using (var app = PortalApp.Build([.. common, "--Jobs:RunServer=false"]))
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = new PortalUser { UserName = "first@example.test", Email = "first@example.test", DisplayName = "First" };
            Assert.True((await users.CreateAsync(user, PeopleApi.Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, PortalRoles.Operator)).Succeeded);
        }
        var again = new StringWriter();
        Assert.Equal(1, await FirstOperatorCommand.RunAsync(["--email", "second@example.test", .. common], again));
        Assert.Contains("An operator exists already", again.ToString());
    }
}
