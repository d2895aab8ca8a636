using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tests.Support;

namespace Portal.Web.Tests.Edge;

/// <summary>
/// The key ring lives in Postgres: a restart (a new container) or another instance reads the same keys, so nobody is
/// signed out and no form's antiforgery token goes stale.
/// </summary>
public sealed class DataProtectionTests
{
    [Fact]
    public async Task A_cookie_and_an_antiforgery_token_issued_before_a_restart_are_accepted_after_it()
    {
        var database = await PostgresCluster.Shared.CreateDatabaseAsync("keys");
        var (email, signedIn, pendingForm, antiforgery) = await WithPortalAsync(database, null, async portal =>
        {
            var user = await portal.CreateUserAsync(PortalRoles.Customer, $"{Guid.NewGuid():N}@keys.example", EdgePortal.Password);
            var session = await CookieSession.SignInAsync(portal.CreateClient(), user.Email!, EdgePortal.Password);
            var form = new CookieSession(portal.CreateClient());
            return (user.Email!, session, form, await form.LoginFormAsync());
        });

        await WithPortalAsync(database, null, async portal =>
        {
            var me = await signedIn.On(portal.CreateClient()).SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/me"));
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            var carried = pendingForm.On(portal.CreateClient());
            var signIn = await carried.PostLoginAsync(antiforgery, email, EdgePortal.Password);
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.NotNull(carried.AuthCookie);
            Assert.Equal(1, await KeysAsync(portal, keys => keys.CountAsync()));
            return 0;
        });
    }

    [Fact]
    public async Task With_a_certificate_the_stored_keys_are_encrypted_and_still_shared_across_a_restart()
    {
        var database = await PostgresCluster.Shared.CreateDatabaseAsync("keys");
        var certificate = Path.Combine(Path.GetTempPath(), $"portal-dp-{Guid.NewGuid():N}.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=portal-data-protection-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(certificate, created.Export(X509ContentType.Pfx, "pfx-password"));
        }
        var settings = new Dictionary<string, string?>
        {
            ["Portal:DataProtection:CertificatePath"] = certificate,
            ["Portal:DataProtection:CertificatePassword"] = "pfx-password",
        };
        try
        {
            var signedIn = await WithPortalAsync(database, settings, async portal =>
            {
                var user = await portal.CreateUserAsync(PortalRoles.Customer, $"{Guid.NewGuid():N}@keys.example", EdgePortal.Password);
                return await CookieSession.SignInAsync(portal.CreateClient(), user.Email!, EdgePortal.Password);
            });

            await WithPortalAsync(database, settings, async portal =>
            {
                var xml = await KeysAsync(portal, keys => keys.Select(k => k.Xml!).SingleAsync());
                Assert.Contains("<encryptedSecret", xml);
                Assert.Contains("EncryptedXml", xml);
                Assert.DoesNotContain("<masterKey", xml);
                var me = await signedIn.On(portal.CreateClient()).SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/me"));
                Assert.Equal(HttpStatusCode.OK, me.StatusCode);
                return 0;
            });
        }
        finally
        {
            File.Delete(certificate);
        }
    }

    private static async Task<T> WithPortalAsync<T>(string database, IReadOnlyDictionary<string, string?>? settings, Func<PortalHost, Task<T>> work)
    {
        await using var portal = await PortalHost.StartAsync(database, settings);
        return await work(portal);
    }

    private static Task<T> KeysAsync<T>(PortalHost portal, Func<IQueryable<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>, Task<T>> read) =>
        portal.WithScopeAsync(services => read(services.GetRequiredService<PortalDbContext>().DataProtectionKeys.AsNoTracking()));
}
