import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(32.W))
    val out = Output(UInt(32.W))
  })
  val reversed = RegInit(0.U(32.W))
  reversed := Reverse(io.in.asUInt)
  io.out := reversed
}
