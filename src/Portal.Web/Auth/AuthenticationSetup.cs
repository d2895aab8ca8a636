using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Api;
using Portal.Web.Auth.Mfa;
using Portal.Web.People;

namespace Portal.Web.Auth;

public static class AuthenticationSetup
{
    /// <summary>Picks the API token handler when a bearer token is sent, the Identity cookie otherwise.</summary>
    private const string CookieOrTokenScheme = "CookieOrToken";

    /// <summary>Cookies are Secure outside Development; in Development they follow the request (http on localhost).</summary>
    public static CookieSecurePolicy CookieSecurity(IHostEnvironment environment) =>
        environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;

    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services, IConfiguration configuration,
        IHostEnvironment environment)
    {
        var accounts = configuration.GetSection(AccountOptions.Section).Get<AccountOptions>() ?? new AccountOptions();
        accounts.RequireMfaForOperators ??= !environment.IsDevelopment();
        accounts.Validate();
        services.AddSingleton(accounts);
        services.AddSignInRateLimits(accounts);

        var sso = configuration.GetSection(SingleSignOnOptions.Section).Get<SingleSignOnOptions>() ?? new SingleSignOnOptions();
        sso.Validate();
        services.AddSingleton(sso);
        var authentication = services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieOrTokenScheme;
                options.DefaultChallengeScheme = CookieOrTokenScheme;
                options.DefaultForbidScheme = CookieOrTokenScheme;
            })
            .AddPolicyScheme(CookieOrTokenScheme, "Cookie or API token", options =>
                options.ForwardDefaultSelector = context => BearerToken.From(context.Request) is null
                    ? IdentityConstants.ApplicationScheme
                    : ApiTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        if (sso.Enabled) authentication.AddPortalSingleSignOn(sso);
        authentication.AddIdentityCookies(cookies => cookies.ApplicationCookie!.Configure(options =>
            {
                options.LoginPath = "/account/login";
                options.AccessDeniedPath = "/account/access-denied";
                options.Cookie.Name = "portal.auth";
                // Strict: the cookie never travels on a cross-site request. Single sign-on returns from the provider's
                // site, so its last step is a page that moves on by a same-site navigation (SingleSignOnEndpoints).
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurity(environment);
                // The cookie only names a session; the session in Postgres decides (idle and absolute timeouts, sign-out).
                options.SlidingExpiration = true;
                options.ExpireTimeSpan = accounts.SessionAbsoluteLifetime;
                options.Events.OnValidatePrincipal = SessionCookieValidation.ValidateAsync;
                // The API answers with problem details, never with a redirect to the sign-in page.
                options.Events.OnRedirectToLogin = context => ApiProblems.IsApiRequest(context.Request)
                    ? ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Authentication required",
                        "Send a personal API token as 'Authorization: Bearer <token>', or sign in.")
                    : RedirectTo(context);
                options.Events.OnRedirectToAccessDenied = context => ApiProblems.IsApiRequest(context.Request)
                    ? ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", MustEnrolMfa(context.HttpContext)
                        ? "Operators must set up two-step sign-in (an authenticator app) first: open /account/mfa in the browser."
                        : "Your account may not do this.")
                    : MustEnrolMfa(context.HttpContext)
                        ? RedirectToEnrolment(context)
                        : RedirectTo(context);
            }));

        services.AddIdentityCore<PortalUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                // No lockout anyone could trigger for anyone: PasswordSignIn delays instead.
                options.Lockout.AllowedForNewUsers = false;
                options.Password.RequiredLength = 10;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();

        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser()
                .RequireAssertion(context => !context.User.HasClaim(c => c.Type == PortalClaims.MfaEnrolmentRequired)).Build())
            .AddPolicy(PortalClaims.SignedInEvenWithoutMfa, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(PortalRoles.Customer, policy => policy.RequireRole(PortalRoles.Customer))
            .AddPolicy(PortalRoles.Operator, policy => policy.RequireRole(PortalRoles.Operator))
            .AddPolicy(PeoplePolicies.ManagesPeople, policy => policy.RequireRole(PortalRoles.Operator, PortalRoles.CustomerAdmin));

        services.AddSingleton<ApiTokenService>();
        services.AddSingleton<SessionStore>();
        services.AddScoped<PasswordSignIn>();
        services.AddSingleton<SignInPacing>();
        services.AddScoped<Passwords>();
        services.AddScoped<SingleSignOn>();
        services.AddSingleton<Totp>();
        services.AddSingleton<Authenticators>();
        services.AddSingleton<Invitations>();
        services.AddSingleton<TeamMembers>();
        services.AddSingleton<CustomerDirectory>();
        services.AddScoped<AuthenticationStateProvider, SessionRevalidatingStateProvider>();
        services.AddCascadingAuthenticationState();
        return services;
    }

    private static bool MustEnrolMfa(HttpContext http) => http.User.HasClaim(c => c.Type == PortalClaims.MfaEnrolmentRequired);

    private static Task RedirectToEnrolment(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context)
    {
        var back = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        context.Response.Redirect($"/account/mfa?returnUrl={Uri.EscapeDataString(back)}");
        return Task.CompletedTask;
    }

    private static Task RedirectTo(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
