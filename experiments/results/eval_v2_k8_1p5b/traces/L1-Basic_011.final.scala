import chisel3._
import chisel3.util._

class RegHundred(width: Int = 8) extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(width.W))
  })
  val reg = RegInit(100.U(width.W))
  io.out := reg
}
