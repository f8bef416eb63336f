import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val A = Input(UInt(2.W))
    val B = Input(UInt(2.W))
    val z = Output(Bool())
  })
  val z = io.A === io.B
  io.z := z
}
