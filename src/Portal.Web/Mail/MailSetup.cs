using Microsoft.Extensions.Options;
using Portal.Data.Notifications;

namespace Portal.Web.Mail;

public static class MailSetup
{
    /// <summary>The outbox sender (job server instances with Portal:Smtp:Host set) and the links mail carries.</summary>
    public static IServiceCollection AddPortalMail(this IServiceCollection services, IConfiguration configuration, bool runsBackgroundWork)
    {
        services.AddOptions<MailOptions>().Bind(configuration.GetSection(MailOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MailOptions>, MailOptionsValidation>();
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<MailOptions>>().Value);
        MailOptions.ValidatePublicUrl(configuration[MailOptions.PublicUrlKey]);
        services.AddSingleton<MailLinks>();
        services.AddSingleton<MailLinkProtector>();
        services.AddSingleton<SmtpMailTransport>();
        services.AddSingleton<OutboxSender>();
        services.AddSingleton<MailPreferences>();
        if (runsBackgroundWork && !string.IsNullOrWhiteSpace(configuration[$"{MailOptions.Section}:{nameof(MailOptions.Host)}"]))
        {
            services.AddSingleton<MailQueuedSignal>();
            services.AddSingleton<INotificationSubscriber>(provider => provider.GetRequiredService<MailQueuedSignal>());
            services.AddHostedService<MailSenderLoop>();
        }
        return services;
    }
}
