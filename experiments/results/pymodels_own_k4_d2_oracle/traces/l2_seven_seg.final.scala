import chisel3._
import chisel3.util.experimental.decode.decoder

class SevenSeg extends Module {
  val io = IO(new Bundle {
    val digit = Input(UInt(4.W))
    val seg = Output(UInt(7.W))
  })

  // Define the 7-segment decoder table
  val decoderTable = VecInit(
    0.U(8.W), 3.U(8.W), 5.U(8.W), 6.U(8.W), 7.U(8.W), 2.U(8.W), 4.U(8.W), 1.U(8.W)
  )

  // Map the digit to the corresponding segment decoder table index
  val decoderIndex = io.digit.asUInt.asUInt & 0xF.U

  // Decode the digit to get the segment value
  val segmentValue = decoderTable(decoderIndex)

  // Assign the segment value to the output
  io.seg := segmentValue.asUInt
}
