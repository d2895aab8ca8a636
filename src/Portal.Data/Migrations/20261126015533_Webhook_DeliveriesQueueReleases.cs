using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class Webhook_DeliveriesQueueReleases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Message",
                table: "PushDeliveries",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ReleaseId",
                table: "PushDeliveries",
                type: "uuid",
                nullable: true);

            // Deliveries recorded before this migration already have their release: they are queued.
            migrationBuilder.Sql("""
                UPDATE "PushDeliveries" d SET "ReleaseId" = r."Id", "Message" = r."Message",
                    "Status" = CASE WHEN d."Status" = 'Accepted' THEN 'Queued' ELSE d."Status" END
                FROM "Releases" r WHERE r."PushDeliveryId" = d."Id"
                """);

            migrationBuilder.CreateIndex(
                name: "IX_PushDeliveries_Accepted",
                table: "PushDeliveries",
                column: "ReceivedAt",
                filter: "\"Status\" = 'Accepted'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Accepted deliveries not yet queued have no release; before this migration every accepted delivery had one.
            migrationBuilder.Sql("""UPDATE "PushDeliveries" SET "Status" = 'Failed', "StatusReason" = 'Not released: the portal was downgraded.' WHERE "Status" = 'Accepted'""");
            migrationBuilder.Sql("""UPDATE "PushDeliveries" SET "Status" = 'Accepted' WHERE "Status" = 'Queued'""");

            migrationBuilder.DropIndex(
                name: "IX_PushDeliveries_Accepted",
                table: "PushDeliveries");

            migrationBuilder.DropColumn(
                name: "Message",
                table: "PushDeliveries");

            migrationBuilder.DropColumn(
                name: "ReleaseId",
                table: "PushDeliveries");
        }
    }
}
