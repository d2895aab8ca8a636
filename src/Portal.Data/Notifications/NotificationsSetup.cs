using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portal.Data.Notifications;

public static class NotificationsSetup
{
    /// <summary>
    /// The instance's notification listener and sender. Safe to call more than once (each journey that subscribes calls
    /// it); subscribers register themselves as <see cref="INotificationSubscriber"/>.
    /// </summary>
    public static IServiceCollection AddPortalNotifications(this IServiceCollection services, string connectionString)
    {
        services.TryAddSingleton(new NotificationListenerConnection(connectionString));
        services.TryAddSingleton(_ => new NotificationDataSource(connectionString));
        services.TryAddSingleton<NotificationSender>();
        services.TryAddSingleton<NotificationListener>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, NotificationListener>(
            provider => provider.GetRequiredService<NotificationListener>()));
        return services;
    }
}
