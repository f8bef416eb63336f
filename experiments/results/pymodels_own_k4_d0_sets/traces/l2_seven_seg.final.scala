import chisel3._

class SevenSeg extends Module {
  val io = IO(new Bundle {
    val digit = Input(UInt(4.W))
    val seg = Output(UInt(7.W))
  })

  // Define the mapping from digits to segment outputs
  val digitToSegMap = Seq(
    (0.U, 0x3F.U),  // 0
    (1.U, 0x06.U),  // 1
    (2.U, 0x5B.U),  // 2
    (3.U, 0x4F.U),  // 3
    (4.U, 0x66.U),  // 4
    (5.U, 0x6D.U),  // 5
    (6.U, 0x7D.U),  // 6
    (7.U, 0x07.U),  // 7
    (8.U, 0x7F.U),  // 8
    (9.U, 0x6F.U),  // 9
    (10.U, 0.U),  // 10
    (11.U, 0.U),  // 11
    (12.U, 0.U),  // 12
    (13.U, 0.U),  // 13
    (14.U, 0.U),  // 14
    (15.U, 0.U)   // 15
  ).toMap

  // Map the input digit to the corresponding segment outputs
  io.seg := digitToSegMap(io.digit)
}
