import Foundation
import OrdreconCore
import OrdreconTestSupport
import Testing

@testable import OrdreconStore

/// A value the schema's CHECKs exclude (written with the checks turned off, as only a damaged or
/// hand-edited database could hold it) is an error, never taken for a known state.
@Suite struct UnknownStoredValueTests {
    @Test func anUnknownRefundStatusIsInconsistentData() throws {
        let h = try RefundStoreTests().cancelledOrder()
        #expect(try h.store.refundCounts() == [.pending: 1])
        try SQLiteFile.execute(
            "PRAGMA ignore_check_constraints = ON; UPDATE refunds SET status = 'paid' WHERE refund_id = 'RF.O1.C';",
            at: h.directory + "/test.sqlite")
        let error = #expect(throws: StoreError.self) { try h.store.refundCounts() }
        #expect(error?.kind == .inconsistentData && error?.message.contains(#""paid""#) == true)
        #expect(throws: StoreError.self) { try h.store.refunds() }
        #expect(throws: StoreError.self) { try h.store.requeueFailedRefund("RF.O1.C", at: Timestamp(milliseconds: 1)) }
    }

    @Test func anUnknownFileStateIsInconsistentDataNotProcessing() throws {
        let h = try StoreTests.Harness(zone: TimeZone(identifier: "Asia/Kolkata")!)
        #expect(try h.store.file(id: h.fileId)?.state == .processing)
        try SQLiteFile.execute(
            "PRAGMA ignore_check_constraints = ON; UPDATE files SET state = 'archived' WHERE id = \(h.fileId);",
            at: h.directory + "/test.sqlite")
        let error = #expect(throws: StoreError.self) { try h.store.file(id: h.fileId) }
        #expect(error?.kind == .inconsistentData && error?.message.contains(#""archived""#) == true)
    }
}
