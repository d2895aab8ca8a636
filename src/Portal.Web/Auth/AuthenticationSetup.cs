using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Web.Auth;

public static class AuthenticationSetup
{
    /// <summary>Picks the API token handler when a bearer token is sent, the Identity cookie otherwise.</summary>
    private const string CookieOrTokenScheme = "CookieOrToken";

    public const int MaxFailedSignIns = 5;

    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieOrTokenScheme;
                options.DefaultChallengeScheme = CookieOrTokenScheme;
                options.DefaultForbidScheme = CookieOrTokenScheme;
            })
            .AddPolicyScheme(CookieOrTokenScheme, "Cookie or API token", options =>
                options.ForwardDefaultSelector = context => BearerToken.From(context.Request) is null
                    ? IdentityConstants.ApplicationScheme
                    : ApiTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies(cookies => cookies.ApplicationCookie!.Configure(options =>
            {
                options.LoginPath = "/account/login";
                options.AccessDeniedPath = "/account/access-denied";
                options.Cookie.Name = "portal.auth";
                options.SlidingExpiration = true;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                // The API answers with problem details, never with a redirect to the sign-in page.
                options.Events.OnRedirectToLogin = context => ApiProblems.IsApiRequest(context.Request)
                    ? ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Authentication required",
                        "Send a personal API token as 'Authorization: Bearer <token>', or sign in.")
                    : RedirectTo(context);
                options.Events.OnRedirectToAccessDenied = context => ApiProblems.IsApiRequest(context.Request)
                    ? ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", "Your account may not do this.")
                    : RedirectTo(context);
            }));

        services.AddIdentityCore<PortalUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.Password.RequiredLength = 10;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();

        services.AddAuthorizationBuilder()
            .AddPolicy(PortalRoles.Customer, policy => policy.RequireRole(PortalRoles.Customer))
            .AddPolicy(PortalRoles.Operator, policy => policy.RequireRole(PortalRoles.Operator));

        services.AddScoped<ApiTokenService>();
        services.AddCascadingAuthenticationState();
        return services;
    }

    private static Task RedirectTo(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
