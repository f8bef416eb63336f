import chisel3._
import chisel3.util._
import chisel3.util.experimental.decode.decoder

class SevenSeg extends Module {
  val io = IO(new Bundle {
    val digit = Input(UInt(4.W))
    val seg = Output(UInt(7.W))
  })

  // Convert the digit to one-hot encoding
  val oh = UIntToOH(io.digit)

  // Map the one-hot encoding to the corresponding segment bits
  io.seg := decoder(oh)
}
