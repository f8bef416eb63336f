import chisel3._
import chisel3.util._

class SevenSeg extends Module {
  val io = IO(new Bundle {
    val digit = Input(UInt(4.W))
    val seg = Output(UInt(7.W))
  })
  val decoder = decoder(io.digit)
  val segBits = decoder.asUInt(7.W)
  io.seg := segBits
}
