using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.GitLab;

/// <summary>The address GitLab reaches the portal at: the webhook's URL and the commit statuses' links start with it.</summary>
public interface IPortalAddress
{
    Uri BaseUrl { get; }
}

public static class GitLabSetup
{
    /// <summary>The GitLab client, the token vault (needs ISecrets) and the access check; settings are checked here, at start-up.</summary>
    public static IServiceCollection AddPortalGitLab(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(GitLabOptions.Section).Get<GitLabOptions>() ?? new GitLabOptions();
        options.Validate();
        services.AddSingleton(options);
        services.AddHttpClient(GitLabClient.HttpClientName, client => client.Timeout = System.Threading.Timeout.InfiniteTimeSpan);
        services.AddSingleton<GitLabClient>();
        services.AddSingleton<GitLabTokenVault>();
        services.AddSingleton<GitLabAccessCheck>();
        return services;
    }
}
