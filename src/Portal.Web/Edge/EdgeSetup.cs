using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Portal.Data;

namespace Portal.Web.Edge;

/// <summary>
/// The portal's edge: its public address, the proxies in front of it, the headers of every answer, the checks every
/// request passes before a page or endpoint sees it, and the key ring that cookies and antiforgery tokens are sealed with.
/// </summary>
public static class EdgeSetup
{
    public static EdgeOptions AddPortalEdge(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(EdgeOptions.Section).Get<EdgeOptions>() ?? new EdgeOptions();
        options.Validate(builder.Environment);
        builder.Services.AddSingleton(options);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        var publicHost = options.PublicBaseUrl?.Authority;
        // Host filtering reads AllowedHosts when the options are first used, so setting it here is in time.
        if (publicHost is not null && string.IsNullOrWhiteSpace(builder.Configuration["AllowedHosts"]))
            builder.Configuration["AllowedHosts"] = options.PublicBaseUrl!.Host;
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded => ConfigureForwarding(forwarded, options));

        var keys = builder.Services.AddDataProtection()
            .SetApplicationName(DataProtectionSettings.ApplicationName)
            .PersistKeysToDbContext<PortalDbContext>();
        if (!string.IsNullOrWhiteSpace(options.DataProtection.CertificatePath))
            keys.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(
                options.DataProtection.CertificatePath, options.DataProtection.CertificatePassword));
        return options;
    }

    /// <summary>First in the pipeline: who the client is, the public host, and the headers of every answer.</summary>
    public static void UsePortalEdge(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<EdgeOptions>();
        if (options.ForwardedHeaders.Any) app.UseForwardedHeaders();
        if (options.PublicBaseUrl is { } publicUrl)
        {
            // Everything built from the request (redirects, Blazor's base address, the origin check) names the public host.
            var host = new HostString(publicUrl.Authority);
            app.Use((context, next) =>
            {
                context.Request.Host = host;
                return next(context);
            });
        }
        app.UseMiddleware<SecurityHeaders>();
    }

    /// <summary>After the error pages: text Postgres cannot store, and cross-site cookie requests, are refused.</summary>
    public static void UsePortalRequestChecks(this WebApplication app)
    {
        app.UseMiddleware<InputHygiene>();
        app.UseMiddleware<CrossSiteRequestGuard>();
    }

    private static void ConfigureForwarding(ForwardedHeadersOptions forwarded, EdgeOptions options)
    {
        // Only the configured proxies are believed: not even loopback by default.
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        if (!options.ForwardedHeaders.Any) return;
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        forwarded.ForwardLimit = options.ForwardedHeaders.ForwardLimit;
        foreach (var proxy in options.ForwardedHeaders.Proxies) forwarded.KnownProxies.Add(proxy);
        foreach (var network in options.ForwardedHeaders.Networks) forwarded.KnownIPNetworks.Add(network);
        if (options.PublicBaseUrl is { } publicUrl) forwarded.AllowedHosts = [publicUrl.Host];
    }
}
