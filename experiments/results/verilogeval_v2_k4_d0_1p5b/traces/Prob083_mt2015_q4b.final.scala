import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val x = Input(UInt(1.W))
    val y = Input(UInt(1.W))
    val z = Output(UInt(1.W))
  })
  val z = io.x ^ io.y
  io.z := z
}
