import OrdreconCore

extension CSVEventReader: EventReader {}
extension JSONLinesEventReader: EventReader {}
extension JSONArrayEventReader: EventReader {}
