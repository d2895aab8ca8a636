using Portal.Tests.Support;

namespace Portal.Web.Tests;

/// <summary>A class fixture with a running portal, which browser tests open their pages on.</summary>
public interface IPortalFixture
{
    PortalHost Portal { get; }
}
