using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Portal.Web.Auth.Mfa;

/// <summary>
/// Between the password and the code: Identity's short-lived two-factor cookie (five minutes) names the user whose
/// password was right. It grants nothing; only the code page reads it.
/// </summary>
public static class AuthenticatorSignIn
{
    public const string CodePage = "/account/login/code";

    public static Task RememberPasswordPassedAsync(HttpContext http, Guid userId) =>
        http.SignInAsync(IdentityConstants.TwoFactorUserIdScheme,
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, userId.ToString())], IdentityConstants.TwoFactorUserIdScheme)));

    public static async Task<Guid?> PasswordPassedAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(IdentityConstants.TwoFactorUserIdScheme);
        return result.Succeeded && Guid.TryParse(result.Principal?.FindFirstValue(ClaimTypes.Name), out var id) ? id : null;
    }

    public static Task ForgetAsync(HttpContext http) => http.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
}
