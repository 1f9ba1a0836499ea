package questionnaire

// The questionnaire's own labels (sheet headings, column headers,
// instructions) in the languages it is written in. The French and Spanish
// text is civicspace's own translation, not an official one, and the sheet
// says so; the catalog's text comes from the catalog's translations
// (civicspace.Catalog.Localized), English where an item is not translated.

// Languages lists the languages a questionnaire can be written in.
var Languages = []string{"en", "fr", "es"}

type labels struct {
	// Column headers of the Questions sheet, by column key.
	columns map[string]string
	// Labels of the Assessment sheet's fields, by field key.
	fields map[string]string
	// Instructions, one paragraph a line.
	instructions []string
	// translationNote says whose translation the sheet's labels are.
	translationNote string
	// The words of the answer types in the "How to answer" column.
	yesNo, wholeNumber, percentage, oneOf, levels string
}

var allLabels = map[string]labels{
	"en": {
		columns: map[string]string{
			colID: "Indicator ID (do not change)", colTopic: "Topic", colQuestion: "Question", colAnswer: "Answer",
			colStatus: "Not applicable / unknown", colReason: "Reason (why not applicable or unknown)",
			colEvTitle: "Evidence: title", colEvURL: "Evidence: URL", colEvDate: "Evidence: date (YYYY-MM-DD)",
			colEvExcerpt: "Evidence: excerpt", colComment: "Comment", colHow: "How to answer",
			colGuidance: "Guidance", colRecs: "Recommendations measured",
		},
		fields: map[string]string{
			fieldSubject: "Subject (ISO 3166-1 alpha-3 country code, or org:NAME)", fieldRoles: "Roles (comma-separated)",
			fieldPeriod: "Period (2025, or 2025-01-01/2025-12-31)", fieldKind: "Kind (self, shadow, independent)",
			fieldAuthor: "Author (your organisation)", fieldTitle: "Title",
		},
		instructions: []string{
			"Fill in the Assessment sheet, then answer each question on the Questions sheet: one row per indicator.",
			"Answer with a value from the drop-down list (or a number where a number is asked), or choose not_applicable or unknown and give the reason. Leave a row blank to leave the question unanswered.",
			"Give evidence for each answer: a title, and a URL or a date. Several sources: one per line in each evidence cell, in the same order.",
			"Do not change the hidden indicator IDs, the sheet names or the order of the columns: they are how the answers are read back.",
			"Import the filled file with: civicspace assessments import FILE. It becomes a draft; every cell that cannot be read is reported by sheet, row and column, and nothing is imported until all are fixed.",
		},
		translationNote: "Catalog text: civicspace catalog, English reference text.",
		yesNo:           "yes or no", wholeNumber: "a whole number, 0 or more", percentage: "a percentage, 0-100",
		oneOf: "one of", levels: "a level",
	},
	"fr": {
		columns: map[string]string{
			colID: "Identifiant de l'indicateur (ne pas modifier)", colTopic: "Thème", colQuestion: "Question", colAnswer: "Réponse",
			colStatus: "Sans objet / inconnu", colReason: "Motif (pourquoi sans objet ou inconnu)",
			colEvTitle: "Justificatif : titre", colEvURL: "Justificatif : URL", colEvDate: "Justificatif : date (AAAA-MM-JJ)",
			colEvExcerpt: "Justificatif : extrait", colComment: "Commentaire", colHow: "Comment répondre",
			colGuidance: "Indications", colRecs: "Recommandations mesurées",
		},
		fields: map[string]string{
			fieldSubject: "Sujet (code pays ISO 3166-1 alpha-3, ou org:NOM)", fieldRoles: "Rôles (séparés par des virgules)",
			fieldPeriod: "Période (2025, ou 2025-01-01/2025-12-31)", fieldKind: "Type (self, shadow, independent)",
			fieldAuthor: "Auteur (votre organisation)", fieldTitle: "Titre",
		},
		instructions: []string{
			"Remplissez la feuille Assessment, puis répondez à chaque question de la feuille Questions : une ligne par indicateur.",
			"Répondez par une valeur de la liste déroulante (ou un nombre là où un nombre est demandé), ou choisissez not_applicable ou unknown et indiquez le motif. Laissez une ligne vide pour ne pas répondre.",
			"Donnez un justificatif pour chaque réponse : un titre, et une URL ou une date. Plusieurs sources : une par ligne dans chaque cellule de justificatif, dans le même ordre.",
			"Ne modifiez ni les identifiants masqués des indicateurs, ni les noms des feuilles, ni l'ordre des colonnes : ils servent à relire les réponses.",
			"Importez le fichier rempli avec : civicspace assessments import FICHIER. Il devient un brouillon ; chaque cellule illisible est signalée par feuille, ligne et colonne, et rien n'est importé tant qu'elles ne sont pas corrigées.",
		},
		translationNote: "Traduction des libellés de cette feuille : civicspace (traduction non officielle). Textes du catalogue : traduction civicspace là où elle existe, sinon texte anglais de référence.",
		yesNo:           "yes (oui) ou no (non)", wholeNumber: "un nombre entier, 0 ou plus", percentage: "un pourcentage, 0-100",
		oneOf: "l'une des valeurs", levels: "un niveau",
	},
	"es": {
		columns: map[string]string{
			colID: "Identificador del indicador (no modificar)", colTopic: "Tema", colQuestion: "Pregunta", colAnswer: "Respuesta",
			colStatus: "No aplicable / desconocido", colReason: "Motivo (por qué no aplicable o desconocido)",
			colEvTitle: "Evidencia: título", colEvURL: "Evidencia: URL", colEvDate: "Evidencia: fecha (AAAA-MM-DD)",
			colEvExcerpt: "Evidencia: extracto", colComment: "Comentario", colHow: "Cómo responder",
			colGuidance: "Orientación", colRecs: "Recomendaciones medidas",
		},
		fields: map[string]string{
			fieldSubject: "Sujeto (código de país ISO 3166-1 alfa-3, u org:NOMBRE)", fieldRoles: "Funciones (separadas por comas)",
			fieldPeriod: "Período (2025, o 2025-01-01/2025-12-31)", fieldKind: "Tipo (self, shadow, independent)",
			fieldAuthor: "Autor (su organización)", fieldTitle: "Título",
		},
		instructions: []string{
			"Complete la hoja Assessment y luego responda cada pregunta de la hoja Questions: una fila por indicador.",
			"Responda con un valor de la lista desplegable (o un número donde se pide un número), o elija not_applicable o unknown e indique el motivo. Deje una fila en blanco para no responder.",
			"Aporte evidencia para cada respuesta: un título, y una URL o una fecha. Varias fuentes: una por línea en cada celda de evidencia, en el mismo orden.",
			"No cambie los identificadores ocultos de los indicadores, los nombres de las hojas ni el orden de las columnas: sirven para leer las respuestas.",
			"Importe el archivo completado con: civicspace assessments import ARCHIVO. Se convierte en un borrador; cada celda ilegible se señala por hoja, fila y columna, y no se importa nada hasta corregirlas todas.",
		},
		translationNote: "Traducción de las etiquetas de esta hoja: civicspace (traducción no oficial). Textos del catálogo: traducción de civicspace donde existe, si no el texto inglés de referencia.",
		yesNo:           "yes (sí) o no", wholeNumber: "un número entero, 0 o más", percentage: "un porcentaje, 0-100",
		oneOf: "uno de", levels: "un nivel",
	},
}
