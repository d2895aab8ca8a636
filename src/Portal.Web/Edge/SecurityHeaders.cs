using System.Buffers.Text;
using System.Security.Cryptography;

namespace Portal.Web.Edge;

/// <summary>
/// The headers every answer carries (pages, API, CSV, errors): a Content-Security-Policy whose scripts are the portal's
/// own files plus the inline scripts stamped with this request's nonce (Blazor's import map, the API reference), nosniff,
/// a referrer policy, and HSTS over HTTPS. Styles allow 'unsafe-inline': MudBlazor renders its theme as a &lt;style&gt;
/// element and sets style attributes on its components (positions of popovers, sizes), which no nonce or hash can cover;
/// a style cannot run script, so the script policy keeps its strength.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    private const string NonceKey = "portal.csp-nonce";

    public const string HstsValue = "max-age=31536000; includeSubDomains";

    /// <summary>The nonce of this request's inline scripts (made on first use, then the same for the whole request).</summary>
    public static string NonceOf(HttpContext context)
    {
        if (context.Items[NonceKey] is string nonce) return nonce;
        // base64url: nothing in it that HTML would escape inside an attribute.
        nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
        context.Items[NonceKey] = nonce;
        return nonce;
    }

    public static string PolicyFor(string nonce) =>
        "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'";

    public Task InvokeAsync(HttpContext context)
    {
        var nonce = NonceOf(context);
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = PolicyFor(nonce);
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            if (context.Request.IsHttps) headers.StrictTransportSecurity = HstsValue;
            return Task.CompletedTask;
        });
        return next(context);
    }
}
