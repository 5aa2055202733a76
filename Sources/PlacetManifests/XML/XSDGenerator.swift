// The XSD for XML manifests (`urn:placet:manifest:v1`), generated from the schema the policy
// files declare, so the XML format can never drift from the YAML/JSON one: a field an
// auditor adds to a record is accepted in XML too. The file shipped as a resource is this
// generator's output for the baseline pack (a test keeps them equal).

import Foundation
import PlacetLanguage

public enum XSDGenerator {
    public static let namespace = "urn:placet:manifest:v1"

    public static func xsd(for schema: Schema) -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- Placet manifests v1 as XML, generated from the policy schema (placet schema). -->
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="\(namespace)"
                       targetNamespace="\(namespace)" elementFormDefault="qualified">
              <xs:element name="manifests">
                <xs:complexType>
                  <xs:choice minOccurs="0" maxOccurs="unbounded">

            """
        for record in schema.records {
            out += "        <xs:element name=\"\(elementName(of: record.name))\" type=\"\(record.name)\"/>\n"
        }
        out += """
                  </xs:choice>
                </xs:complexType>
              </xs:element>

            """
        var listTypes: [String: String] = [:]
        for record in schema.records {
            out += "  <xs:complexType name=\"\(record.name)\">\n    <xs:all>\n"
            for field in record.fields where field.name != SchemaContract.id {
                let (typeName, list) = xsdType(field.type, schema: schema)
                if let list { listTypes[list.name] = list.itemType }
                let minimum = field.isRequired ? "" : " minOccurs=\"0\""
                out += "      <xs:element name=\"\(field.name)\" type=\"\(typeName)\"\(minimum)/>\n"
            }
            out += "    </xs:all>\n    <xs:attribute name=\"id\" type=\"NonEmptyString\" use=\"required\"/>\n  </xs:complexType>\n"
        }
        for (name, itemType) in listTypes.sorted(by: { $0.key < $1.key }) {
            out += """
                  <xs:complexType name="\(name)">
                    <xs:sequence>
                      <xs:element name="item" type="\(itemType)" minOccurs="0" maxOccurs="unbounded"/>
                    </xs:sequence>
                  </xs:complexType>

                """
        }
        for enumeration in schema.enumerations {
            out += "  <xs:simpleType name=\"\(enumeration.name)\">\n    <xs:restriction base=\"xs:string\">\n"
            for name in enumeration.cases { out += "      <xs:enumeration value=\"\(name)\"/>\n" }
            out += "    </xs:restriction>\n  </xs:simpleType>\n"
        }
        out += """
              <xs:simpleType name="Bool">
                <xs:restriction base="xs:string">
                  <xs:enumeration value="true"/>
                  <xs:enumeration value="false"/>
                </xs:restriction>
              </xs:simpleType>
              <xs:simpleType name="Number">
                <xs:restriction base="xs:string">
                  <xs:pattern value="-?[0-9]+(\\.[0-9]+)?([eE][+\\-]?[0-9]+)?"/>
                </xs:restriction>
              </xs:simpleType>
              <xs:simpleType name="Date">
                <xs:restriction base="xs:string">
                  <xs:pattern value="[0-9]{4}-[0-9]{2}-[0-9]{2}"/>
                </xs:restriction>
              </xs:simpleType>
              <xs:simpleType name="NonEmptyString">
                <xs:restriction base="xs:string">
                  <xs:minLength value="1"/>
                </xs:restriction>
              </xs:simpleType>
            </xs:schema>

            """
        return out
    }

    /// `Dataset` is written `<dataset>`: the kind in lower case.
    public static func elementName(of record: String) -> String { record.lowercased() }

    private static func xsdType(_ type: PlacetType, schema: Schema) -> (String, (name: String, itemType: String)?) {
        switch type {
        case .optional(let inner): return xsdType(inner, schema: schema)
        case .set(let element), .list(let element):
            let (item, _) = xsdType(element, schema: schema)
            let name = item.replacingPrefix("xs:", with: "") + "List"
            return (name, (name, item))
        case .bool: return ("Bool", nil)
        case .number: return ("Number", nil)
        case .date: return ("Date", nil)
        case .string, .map, .valueRecord, .emptyCollection, .error: return ("xs:string", nil)
        case .record: return ("NonEmptyString", nil)
        case .enumeration(let index): return (schema.enumerations[index].name, nil)
        }
    }
}

extension String {
    /// The string with `prefix` at its start replaced (unchanged if it does not start with it).
    fileprivate func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
