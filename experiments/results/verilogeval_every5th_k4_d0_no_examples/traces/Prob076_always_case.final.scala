import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val sel   = Input(UInt(3.W))
    val data0 = Input(UInt(4.W))
    val data1 = Input(UInt(4.W))
    val data2 = Input(UInt(4.W))
    val data3 = Input(UInt(4.W))
    val data4 = Input(UInt(4.W))
    val data5 = Input(UInt(4.W))
    val out  = Output(UInt(4.W))
  })
  val sel = io.sel
  val data = io.data0
  val data1 = io.data1
  val data2 = io.data2
  val data3 = io.data3
  val data4 = io.data4
  val data5 = io.data5
  val out = RegInit(0.U(4.W))
  when(sel === 0.U) { out := data }
  when(sel === 1.U) { out := data1 }
  when(sel === 2.U) { out := data2 }
  when(sel === 3.U) { out := data3 }
  when(sel === 4.U) { out := data4 }
  when(sel === 5.U) { out := data5 }
  io.out := out
}
