using Portal.Data.Notifications;

namespace Portal.Web.Live;

public static class LiveSetup
{
    /// <summary>Live pages: the hub the pages subscribe with, fed by the instance's notification listener.</summary>
    public static IServiceCollection AddPortalLivePages(this IServiceCollection services, string connectionString)
    {
        services.AddPortalNotifications(connectionString);
        services.AddSingleton<LiveHub>();
        services.AddSingleton<INotificationSubscriber>(provider => provider.GetRequiredService<LiveHub>());
        return services;
    }
}
