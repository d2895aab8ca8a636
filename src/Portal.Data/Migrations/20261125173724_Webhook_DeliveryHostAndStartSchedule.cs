using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class Webhook_DeliveryHostAndStartSchedule : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PushDeliveries_DeliveryId",
                table: "PushDeliveries");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "NextStartAttemptAt",
                table: "Releases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "StartAttempts",
                table: "Releases",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "HostId",
                table: "PushDeliveries",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_PushDeliveries_HostId_DeliveryId",
                table: "PushDeliveries",
                columns: new[] { "HostId", "DeliveryId" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_PushDeliveries_Hosts_HostId",
                table: "PushDeliveries",
                column: "HostId",
                principalTable: "Hosts",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_PushDeliveries_Hosts_HostId",
                table: "PushDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_PushDeliveries_HostId_DeliveryId",
                table: "PushDeliveries");

            migrationBuilder.DropColumn(
                name: "NextStartAttemptAt",
                table: "Releases");

            migrationBuilder.DropColumn(
                name: "StartAttempts",
                table: "Releases");

            migrationBuilder.DropColumn(
                name: "HostId",
                table: "PushDeliveries");

            migrationBuilder.CreateIndex(
                name: "IX_PushDeliveries_DeliveryId",
                table: "PushDeliveries",
                column: "DeliveryId",
                unique: true);
        }
    }
}
