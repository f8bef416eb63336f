import chisel3._
import chisel3.util._

class Mux2to1_32bit extends Module {
  val io = IO(new Bundle {
    val sel = Input(Bool())
    val a  = Input(UInt(32.W))
    val b  = Input(UInt(32.W))
    val out = Output(UInt(32.W))
  })
  val prev  = RegInit(false.B)
  val count = RegInit(0.U(8.W))
  when(io.sel) { io.out := io.a }
  when(!io.sel) { io.out := io.b }
}
